/** The synthetic history generator's public API. */
export {
  generateHistories,
  generateHistory,
  iterateHistories,
  type GeneratedHistory,
  type GeneratorOptions,
} from './histories.js';
export { mulberry32, deriveSeed, type Random } from './random.js';
