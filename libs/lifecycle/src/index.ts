export { SERVER_COMMANDS, SERVER_LIFECYCLE, SERVER_STATUSES, transitionFor, type ServerCommand, type Status, type Target, type Transition } from './server-lifecycle';
