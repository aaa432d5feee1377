import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, BAD_REQUEST } from '@app/api-kit';
import { RequireAnyScope } from '@app/auth';
import { CheckQuota } from '@app/server-commands';
import { QuotaCheckDto, QuotaCheckResultDto } from './quota.dto';

@ApiTags('Quota')
@Controller('api/quota')
export class QuotaController {
  constructor(private readonly quota: CheckQuota) {}

  @Post('check')
  @HttpCode(HttpStatus.OK)
  @RequireAnyScope(
    'Check a quota',
    'Whether an allocation of `amount` servers would be allowed now, and how it would be charged, with the figures behind the answer: the very decision allocate takes, without a lock and without writing anything (like seed 004\'s "check limits").',
    'inventory:read',
    'server:allocate',
  )
  @ApiOkResponse({ description: 'The answer, allowed or not, with the figures', type: QuotaCheckResultDto })
  @ApiErrors({
    ...BAD_REQUEST,
    404: 'No such location, instance type at that location, client or contract (LOCATION_NOT_FOUND, INSTANCE_TYPE_NOT_FOUND, CLIENT_NOT_FOUND, CONTRACT_NOT_FOUND)',
  })
  checkQuota(@Body() body: QuotaCheckDto) {
    return this.quota.execute(body);
  }
}
