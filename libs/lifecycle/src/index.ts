export {
  ENTRY_STATUS,
  FINAL_STATUSES,
  SERVER_COMMANDS,
  SERVER_LIFECYCLE,
  SERVER_STATUSES,
  transitionFor,
  type ServerCommand,
  type Status,
  type Target,
  type Transition,
} from './server-lifecycle';
