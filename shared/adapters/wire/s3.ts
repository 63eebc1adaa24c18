// Lambda wiring: the uploads bucket (imported by the functions that touch S3).
import { provide } from '../container';
import { makeS3Client, S3ObjectStore } from '../s3';

provide('objects', (cfg) => {
  if (!cfg.BUCKET_NAME) throw new Error('BUCKET_NAME is not set');
  return new S3ObjectStore(makeS3Client({ endpoint: cfg.AWS_ENDPOINT_URL_S3 }), cfg.BUCKET_NAME);
});
