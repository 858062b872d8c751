import { configureLogging, logLevelFromName } from '@meshtrail/observability';

// In-process code under test logs through the same logger as the services; keep test output
// readable unless TEST_LOG_LEVEL asks for more.
configureLogging({ service: 'test', level: logLevelFromName(process.env.TEST_LOG_LEVEL ?? 'error'), format: 'json' });
