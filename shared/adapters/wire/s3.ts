// Lambda wiring: the uploads bucket (for the functions that presign, read and move its objects).
import type { Config } from '../config';
import { makeS3Client, S3ObjectStore } from '../s3';

export const bucket = (cfg: Config) => {
  if (!cfg.BUCKET_NAME) throw new Error('BUCKET_NAME is not set');
  return new S3ObjectStore(makeS3Client({ endpoint: cfg.AWS_ENDPOINT_URL_S3 }), cfg.BUCKET_NAME);
};
