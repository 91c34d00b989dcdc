export {
  parseImageReference,
  registryApiHost,
  isAzureContainerRegistry,
  type ImageReference,
  type ImageReferenceParse,
} from './image-reference.js';
