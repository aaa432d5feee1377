import { Injectable } from '@nestjs/common';
import { ApiKey, PrismaService } from '@app/database';

export interface NewApiKeyRow {
  name: string;
  keyHash: string;
  prefix: string;
  scopes: string[];
  expiresAt: Date | null;
}

const FIND_BY_HASH = { name: 'api-key-by-hash', text: 'SELECT * FROM "ApiKey" WHERE "keyHash" = $1' };
const TOUCH = { name: 'api-key-touch', text: 'UPDATE "ApiKey" SET "lastUsedAt" = $2::timestamp WHERE "id" = $1' };

@Injectable()
export class ApiKeyRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(row: NewApiKeyRow): Promise<ApiKey> {
    return this.prisma.apiKey.create({ data: row });
  }

  /** Every request asks this: plain SQL, a quarter of the CPU of the same query through Prisma. */
  async findByHash(keyHash: string): Promise<ApiKey | null> {
    const [key] = await this.prisma.sql.rows<ApiKey>(FIND_BY_HASH, [keyHash]);
    return key ?? null;
  }

  list(): Promise<ApiKey[]> {
    return this.prisma.apiKey.findMany({ orderBy: { id: 'asc' } });
  }

  /** Sets revokedAt once; revoking a revoked key keeps the first time. Null when no such key. */
  async revoke(id: number, at: Date): Promise<ApiKey | null> {
    await this.prisma.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } });
    return this.prisma.apiKey.findUnique({ where: { id } });
  }

  async revokeNamed(name: string, at: Date): Promise<number> {
    return (await this.prisma.apiKey.updateMany({ where: { name, revokedAt: null }, data: { revokedAt: at } })).count;
  }

  /** Records a use; callers write it at most once a minute per key, so that busy keys do not turn every read into a write. */
  async touch(id: number, at: Date): Promise<void> {
    await this.prisma.sql.rows(TOUCH, [id, at.toISOString()]);
  }
}
