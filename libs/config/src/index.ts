export { AppConfig, ConfigError, loadConfig } from './app-config';
export { parseDurationSeconds } from './duration';
export { ConfigModule } from './config.module';
