export { TOPICS, prefixedTopic, type TopicKey, type TopicName } from './topics';
export { parseUsageEvent, type UsageEvent, type UsageEventParse } from './usage-event';
