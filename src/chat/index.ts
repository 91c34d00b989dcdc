export { normalizeMessageText, hasInvisibleCharacters } from './normalize-message.js';
export { CHAT_COMMANDS, type ChatCommandSpec, type CommandId } from './command-registry.js';
export { parseChatCommand, type ParsedCommand, MAX_RAW_MESSAGE_CHARS, MAX_COMMAND_CHARS, MAX_UNKNOWN_TEXT_CHARS } from './parse-command.js';
export { invalidNameReason, type NameKind } from '../clients/kubernetes/kubernetes-names.js';
