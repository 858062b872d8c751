import { metrics } from '@opentelemetry/api';

const meter = metrics.getMeter('meshtrail');

export const deadLettersCounter = meter.createCounter('meshtrail.dead_letters', {
  description: 'Records dead-lettered (stored once per source offset and reason), by source topic and reason',
});
