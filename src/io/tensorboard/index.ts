// TensorBoard event files without TensorFlow: CRC-32C, TFRecord framing, Event protos, the writer.
export { crc32c, maskedCrc32c } from './crc32c';
export { tfRecord } from './tfrecord';
export {
  encodeEvent,
  type TensorBoardEvent,
  type SummaryValue,
  type ScalarValue,
  type ImageValue,
  type EventImage,
} from './event';
export { EventFileWriter, EVENT_FILE_VERSION, type EventFileWriterOptions } from './event-file-writer';
