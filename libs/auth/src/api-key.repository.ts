import { Injectable } from '@nestjs/common';
import { ApiKey, PrismaService } from '@app/database';

export interface NewApiKeyRow {
  name: string;
  keyHash: string;
  prefix: string;
  scopes: string[];
  expiresAt: Date | null;
}

@Injectable()
export class ApiKeyRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(row: NewApiKeyRow): Promise<ApiKey> {
    return this.prisma.apiKey.create({ data: row });
  }

  findByHash(keyHash: string): Promise<ApiKey | null> {
    return this.prisma.apiKey.findUnique({ where: { keyHash } });
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

  /** Written at most once a minute per key, so that busy keys do not turn every read into a write. */
  async touch(id: number, at: Date): Promise<void> {
    const staleBefore = new Date(at.getTime() - 60_000);
    await this.prisma.apiKey.updateMany({
      where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: staleBefore } }] },
      data: { lastUsedAt: at },
    });
  }
}
