import { Inject, Injectable } from '@nestjs/common';
import { prefixedTopic, type TopicName } from '@meshtrail/contracts';
import { KAFKA_OPTIONS, type KafkaModuleOptions } from './kafka.options';

/** Resolves contract topic names and consumer group ids with the configured prefix. */
@Injectable()
export class TopicNames {
  constructor(@Inject(KAFKA_OPTIONS) private readonly options: KafkaModuleOptions) {}

  topic(name: TopicName): string {
    return prefixedTopic(name, this.options.topicPrefix);
  }

  group(name: string): string {
    return `${this.options.topicPrefix}meshtrail.${name}`;
  }
}
