import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { AuditEventDto } from './event-page.dto';
import { ONCE, PageLimit } from './event-query.dto';

export class FeedQueryDto {
  @ApiPropertyOptional({ description: '`next` of the previous page; the start of the trail when absent' })
  @IsOptional()
  @IsString(ONCE)
  after?: string;

  @PageLimit()
  limit?: number;
}

export class TrailPositionDto {
  @ApiProperty({
    description: 'Id of the transaction that stored the event (0 for events stored before it was recorded)',
  })
  xactId: string;
  @ApiProperty({ description: 'The event’s ingestion sequence number' })
  seq: string;
}

export class FeedEventDto extends AuditEventDto {
  @ApiProperty({
    type: TrailPositionDto,
    description: 'Where the event stands in commit order: by xactId, then seq, compared as integers',
  })
  position: TrailPositionDto;
}

export class FeedPageDto {
  @ApiProperty({ type: [FeedEventDto], description: 'In commit order, oldest first' })
  events: FeedEventDto[];
  @ApiProperty({
    description: 'Pass as `after` for the next page; always present (the same position again when nothing was new)',
  })
  next: string;
  @ApiProperty({ description: 'True when more can be read at once; false: caught up, poll again in a while' })
  more: boolean;
}
