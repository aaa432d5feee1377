import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { PrismaService } from '@app/database';

class HealthResponseDto {
  @ApiProperty({ description: 'ok when the service can do its work', enum: ['ok', 'degraded'], example: 'ok' }) status: 'ok' | 'degraded';
  @ApiProperty({ description: 'Whether PostgreSQL answers', enum: ['up', 'down'], example: 'up' }) database: 'up' | 'down';
}

const DATABASE_TIMEOUT_MS = 2000;

@ApiTags('Health')
@Controller('health')
export class HealthController {
  constructor(private readonly prisma: PrismaService) {}

  @Get()
  @ApiOperation({ summary: 'Health', description: 'Liveness, and whether PostgreSQL answers within 2 s. Needs no key.' })
  @ApiOkResponse({ description: 'Alive, and the database answers', type: HealthResponseDto })
  @ApiServiceUnavailableResponse({ description: 'Alive, but the database does not answer', type: HealthResponseDto })
  async health(@Res({ passthrough: true }) response: Response): Promise<HealthResponseDto> {
    const up = await Promise.race([
      this.prisma.$queryRaw`SELECT 1`.then(() => true, () => false),
      new Promise<boolean>((resolve) => setTimeout(resolve, DATABASE_TIMEOUT_MS, false).unref()),
    ]);
    if (!up) response.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { status: up ? 'ok' : 'degraded', database: up ? 'up' : 'down' };
  }
}
