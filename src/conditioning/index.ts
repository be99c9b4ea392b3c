export type { Conditioning, BuildContext } from './types';
export { labelEmbedding, type LabelEmbeddingOptions } from './label-embedding';
export { channelConcat, type ChannelConcatOptions } from './channel-concat';
