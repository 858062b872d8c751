export { TOPICS, prefixedTopic, type TopicKey, type TopicName } from './topics';
