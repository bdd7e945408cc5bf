// Messaging, job and scheduling packages eventgraph knows by name but does not read yet.
// A manifest that declares one says nothing about use; the scan only mentions it, so that
// a report of "no event-driven patterns" is not mistaken for proof of absence.
export const UNREAD_PACKAGES: ReadonlySet<string> = new Set([
  // npm
  'kafka-node',
  '@golevelup/nestjs-rabbitmq',
  '@ssut/nestjs-sqs',
  'stompit',
  'rhea',
  'zeromq',
  'pulsar-client',
  'kue',
  'moleculer',
  '@trigger.dev/sdk',
  // PyPI (normalised names)
  'pyzmq',
  'stomp-py',
  'kombu',
  'azure-servicebus',
  'azure-eventhub',
  'channels',
]);
