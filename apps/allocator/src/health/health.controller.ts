import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { databaseReadiness, PrismaService } from '@app/database';
import { Draining } from './draining';

class HealthResponseDto {
  @ApiProperty({ description: 'ok when the service can do its work', enum: ['ok', 'degraded'], example: 'ok' }) status:
    'ok' | 'degraded';
  @ApiProperty({ description: 'Whether PostgreSQL answers', enum: ['up', 'down'], example: 'up' }) database:
    'up' | 'down';
}

class LivenessDto {
  @ApiProperty({ description: 'The process answers', enum: ['ok'], example: 'ok' }) status: 'ok';
}

class ReadinessDto {
  @ApiProperty({
    description: 'ready: send it work; not-ready: do not',
    enum: ['ready', 'not-ready'],
    example: 'ready',
  })
  status: 'ready' | 'not-ready';
  @ApiPropertyOptional({
    description: 'Why not: the database does not answer in time, migrations are missing, or the process is draining',
    example: 'draining',
  })
  reason?: string;
}

const DATABASE_TIMEOUT_MS = 2000;

@ApiTags('Health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly draining: Draining,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Health',
    description: 'Liveness, and whether PostgreSQL answers within 2 s. Needs no key.',
  })
  @ApiOkResponse({ description: 'Alive, and the database answers', type: HealthResponseDto })
  @ApiServiceUnavailableResponse({ description: 'Alive, but the database does not answer', type: HealthResponseDto })
  async getHealth(@Res({ passthrough: true }) response: FastifyReply): Promise<HealthResponseDto> {
    const { ready } = await databaseReadiness(this.prisma, DATABASE_TIMEOUT_MS);
    if (!ready) response.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ready ? 'ok' : 'degraded', database: ready ? 'up' : 'down' };
  }

  @Get('live')
  @ApiOperation({
    summary: 'Liveness',
    description: 'The process answers (restart it when it does not). Needs no key.',
  })
  @ApiOkResponse({ description: 'Alive', type: LivenessDto })
  getLiveness(): LivenessDto {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Readiness',
    description:
      'Whether to send it work: the database answers within 2 s, every migration is applied, and the process is not draining. Needs no key.',
  })
  @ApiOkResponse({ description: 'Ready', type: ReadinessDto })
  @ApiServiceUnavailableResponse({ description: 'Not ready, and why', type: ReadinessDto })
  async getReadiness(@Res({ passthrough: true }) response: FastifyReply): Promise<ReadinessDto> {
    const readiness = this.draining.active
      ? { ready: false as const, why: 'draining' }
      : await databaseReadiness(this.prisma, DATABASE_TIMEOUT_MS);
    if (readiness.ready) return { status: 'ready' };
    response.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { status: 'not-ready', reason: readiness.why };
  }
}
