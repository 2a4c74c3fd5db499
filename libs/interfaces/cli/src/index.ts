export { whyCommand } from './commands/why-command.js';
export { eventsCommand } from './commands/events-command.js';
export { insightsCommand } from './commands/insights-command.js';
export { patternsCommand } from './commands/patterns-command.js';
export { feedbackCommand } from './commands/feedback-command.js';
export { patternsReloadCommand } from './commands/patterns-reload-command.js';
export { EXIT, CliUsageError } from './commands/command-io.js';
export type { CliArgs, CliIo } from './commands/command-io.js';
export { TapioClient, DEFAULT_SERVER, SERVER_ENV, TOKEN_ENV, ServerUnreachableError, ApiResponseError, UnexpectedResponseError } from './client/tapio-client.js';
