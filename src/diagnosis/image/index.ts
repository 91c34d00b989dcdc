export {
  parseImageReference,
  type ImageReference,
  type ImageReferenceParse,
} from './image-reference.js';
