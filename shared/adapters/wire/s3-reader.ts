// Lambda wiring: the uploads bucket's reading side only (the receipt: no presigning libraries).
import type { Config } from '../config';
import { makeS3Client, S3ObjectReader } from '../s3-objects';

export const bucketReader = (cfg: Config) => {
  if (!cfg.BUCKET_NAME) throw new Error('BUCKET_NAME is not set');
  return new S3ObjectReader(makeS3Client({ endpoint: cfg.AWS_ENDPOINT_URL_S3 }), cfg.BUCKET_NAME);
};
