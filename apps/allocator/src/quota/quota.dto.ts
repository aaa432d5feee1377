import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { AllocateServerDto, ChargedDto, MAX_ORDER } from '../server-commands/server-commands.dto';

/** The allocation to check: allocate's body, for `amount` servers. */
export class QuotaCheckDto extends AllocateServerDto {
  @ApiPropertyOptional({
    description: `How many servers (1 to ${MAX_ORDER}); 1 when absent`,
    type: 'integer',
    minimum: 1,
    maximum: MAX_ORDER,
    example: 1,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ORDER)
  amount?: number;
}

export class CommittedFiguresDto {
  @ApiProperty({ description: 'The contract named', example: 'MY-CONTRACT-123' }) contractId: string;
  @ApiProperty({ description: 'Servers it commits in this pool', example: 5 }) limit: number;
  @ApiProperty({ description: 'Of those, held now', example: 3 }) used: number;
  @ApiProperty({
    description: 'What the request asks of it: all of it without overflow, what it has left with',
    example: 1,
  })
  requested: number;
}

export class OnDemandFiguresDto {
  @ApiProperty({
    description: 'On-demand servers the client may hold (its own limit or the service default)',
    example: 10,
  })
  limit: number;
  @ApiProperty({ description: 'On-demand servers it holds now, all pools', example: 2 }) used: number;
  @ApiProperty({ description: 'What the request asks of on-demand quota', example: 0 }) requested: number;
}

export class PoolFiguresDto {
  @ApiProperty({ description: 'Available servers in the pool', example: 12 }) available: number;
  @ApiProperty({
    description: 'Committed servers of valid contracts not yet taken: on-demand leaves these alone',
    example: 4,
  })
  reserved: number;
}

export class QuotaCheckResultDto {
  @ApiProperty({ description: 'Whether allocate would allocate this now', example: true }) allowed: boolean;
  @ApiProperty({ description: 'Servers asked for', example: 1 }) amount: number;
  @ApiProperty({ description: 'How many would go to each quota (0 and 0 when not allowed)', type: ChargedDto })
  charged: ChargedDto;
  @ApiProperty({
    description: "The named contract's figures in this pool; null without a contract",
    type: CommittedFiguresDto,
    nullable: true,
  })
  committed: CommittedFiguresDto | null;
  @ApiProperty({ description: "The client's on-demand figures", type: OnDemandFiguresDto })
  onDemand: OnDemandFiguresDto;
  @ApiProperty({ description: "The pool's figures", type: PoolFiguresDto }) pool: PoolFiguresDto;
  @ApiPropertyOptional({
    description:
      'When not allowed: the code allocate would answer (QUOTA_EXCEEDED, NO_CAPACITY, CONTRACT_NOT_ACTIVE, CONTRACT_OF_ANOTHER_CLIENT)',
    example: 'QUOTA_EXCEEDED',
  })
  code?: string;
  @ApiPropertyOptional({
    description: 'When not allowed: why, for people',
    example:
      'Contract MY-CONTRACT-123 has used all 5 committed servers of this pool; set overflow to use on-demand quota',
  })
  message?: string;
}
