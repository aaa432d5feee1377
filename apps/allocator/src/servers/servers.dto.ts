import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Length,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IdField } from '@app/api-kit';

/** A server to add to the fleet: what describes it; its lifecycle starts in Back to Baseline. */
export class NewServerDto {
  @IdField('Server id', 158900) id: number;

  @ApiProperty({
    description: 'Host name, unique in the fleet',
    example: 'server158900.dedi.example.net',
    minLength: 1,
    maxLength: 255,
  })
  @IsString()
  @Length(1, 255)
  hostname: string;

  @IdField('Location', 18) locationId: number;
  @IdField('Instance type, offered at that location', 129) instanceTypeId: number;

  @ApiPropertyOptional({
    description: 'Rack',
    example: 'AMS1:02:002170:0409',
    maxLength: 255,
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  rack?: string | null;

  @ApiPropertyOptional({
    description: 'Service tag',
    example: 'NEW158900',
    maxLength: 64,
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  serviceTag?: string | null;
}

export class AddServersDto {
  @ApiProperty({
    description: 'The servers, all added or none (1 to 1000)',
    type: [NewServerDto],
    // A whole list: example-driven tools would otherwise repeat one server, which the service refuses.
    example: [
      {
        id: 158900,
        hostname: 'server158900.dedi.example.net',
        locationId: 18,
        instanceTypeId: 129,
        rack: 'AMS1:02:002170:0409',
        serviceTag: 'NEW158900',
      },
    ],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => NewServerDto)
  servers: NewServerDto[];
}

/** What describes a server; never its lifecycle. */
export class DescribeServerDto {
  @ApiPropertyOptional({
    description: 'New host name, unique in the fleet (never null: every server has one)',
    example: 'server157437.dedi.example.net',
    minLength: 1,
    maxLength: 255,
  })
  @ValidateIf((_, value) => value !== undefined)
  @IsString()
  @Length(1, 255)
  hostname?: string;

  @ApiPropertyOptional({
    description: 'Rack; null clears it',
    example: 'AMS1:02:002160:0410',
    maxLength: 255,
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  rack?: string | null;

  @ApiPropertyOptional({
    description: 'Service tag; null clears it',
    example: 'DEMO157437',
    maxLength: 64,
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  serviceTag?: string | null;
}

export class RetireServerDto {
  @ApiProperty({
    description: 'Why the server leaves the fleet',
    example: 'Motherboard failure, out of warranty',
    minLength: 1,
    maxLength: 1000,
  })
  @IsString()
  @Length(1, 1000)
  reason: string;

  @ApiPropertyOptional({
    description:
      'How its disks leave the fleet: `wiped` (default), through a final Back to Baseline when it is isolated; `disksDestroyed`, staff state that they are destroyed, so an isolated server is retired at once. Recorded in its history.',
    enum: ['wiped', 'disksDestroyed'],
  })
  @IsOptional()
  @IsIn(['wiped', 'disksDestroyed'])
  disposal?: 'wiped' | 'disksDestroyed';
}
