import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ActorDto {
  @ApiProperty({ enum: ['user', 'apiKey', 'system'] })
  kind: string;
  @ApiProperty({ example: 'jane@example.com' })
  id: string;
  @ApiProperty({ nullable: true, example: 'Jane Doe' })
  name: string | null;
}

export class AuditEventDto {
  @ApiProperty({ description: 'CloudEvents id (the producer’s idempotency key); keycloak-… for auth events' })
  id: string;
  @ApiProperty({
    enum: ['audit', 'auth'],
    description: 'audit: a platform audit event; auth: a Keycloak login or admin event (admins only)',
  })
  kind: string;
  @ApiProperty({ description: 'When it happened (CloudEvents time)', format: 'date-time' })
  time: string;
  @ApiProperty({ format: 'date-time' })
  ingestedAt: string;
  @ApiProperty({ example: 'meshstack/project-service' })
  source: string;
  @ApiProperty({ example: 'meshstack.project.created' })
  type: string;
  @ApiProperty({ nullable: true })
  subject: string | null;
  @ApiProperty({ example: 'Project' })
  objectType: string;
  @ApiProperty()
  objectId: string;
  @ApiProperty({ nullable: true })
  objectName: string | null;
  @ApiProperty({ example: 'created' })
  action: string;
  @ApiProperty({ nullable: true, description: 'null for global objects' })
  workspace: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: "The workspace's current name (renames followed); null when unknown or no workspace",
    example: 'Acme',
  })
  workspaceName: string | null;
  @ApiProperty({ type: ActorDto })
  actor: ActorDto;
  @ApiProperty({ nullable: true, example: 'added jane@example.com as Workspace Manager' })
  change: string | null;
  @ApiProperty({ description: 'The structured diff: [{field, from, to}]', type: 'array', items: { type: 'object' } })
  changes: unknown;
  @ApiProperty({ nullable: true })
  sourceIp: string | null;
  @ApiProperty({ nullable: true })
  correlationId: string | null;
  @ApiProperty({ description: 'SHA-256 (hex) of the event’s canonical form (null for auth events)', nullable: true })
  hash: string | null;
}

export class AuditEventDetailDto extends AuditEventDto {
  @ApiProperty({ description: 'The full CloudEvent as published', type: 'object', additionalProperties: true })
  event: unknown;
}

export class EventPageDto {
  @ApiProperty({ type: [AuditEventDto], description: 'Newest first' })
  events: AuditEventDto[];
  @ApiProperty({ nullable: true, description: 'Pass as `cursor` for the next page; null on the last page' })
  nextCursor: string | null;
  @ApiPropertyOptional({ description: 'Every matching event (only with count=true)' })
  total?: number;
}
