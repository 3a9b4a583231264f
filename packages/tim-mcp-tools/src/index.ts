export { createToolsServer, TOOLS_SERVER_NAME, type ToolsServerOptions } from './tools-server';
export { calculate, CalculationError } from './calculate';
