import { ApiProperty } from '@nestjs/swagger';
import { ALL_SCOPES, Scope } from '@app/auth';

export class SessionDto {
  @ApiProperty({ description: 'The API key', example: 3 }) keyId: number;
  @ApiProperty({ description: 'Its name', example: 'staff-alice' }) name: string;
  @ApiProperty({
    description: 'What it may do: a client (the console) offers only these',
    enum: ALL_SCOPES,
    isArray: true,
    example: ['inventory:read'],
  })
  scopes: Scope[];
}
