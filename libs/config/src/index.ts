export { AppConfig, ConfigError, loadConfig } from './app-config';
export { parseDurationSeconds } from './duration';
