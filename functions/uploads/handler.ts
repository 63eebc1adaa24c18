// HTTP: presigned uploads, submissions and review. Only translates: the router parses and
// authorizes, the use cases in shared/app/uploads.ts do the work.
import { bucket } from '../../shared/adapters/wire/s3';
import { notifyQueue } from '../../shared/adapters/wire/queue';
import { httpRouter } from '../../shared/http/router';
import { uploadRoutes } from './upload-routes';
import { useAdapters } from '../../shared/adapters/container';

useAdapters({ objects: bucket, queue: notifyQueue });

export const handler = httpRouter(uploadRoutes);
