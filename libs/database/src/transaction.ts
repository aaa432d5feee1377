import type { Prisma } from './generated/prisma/client';

/** The client handed to `prisma.$transaction(async (tx) => ...)`; repositories accept it to join a transaction. */
export type TransactionClient = Prisma.TransactionClient;
