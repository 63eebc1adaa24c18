// HTTP: presigned uploads, submissions and review. Only translates: the router parses and
// authorizes, the use cases in shared/app/uploads.ts do the work.
import '../../shared/adapters/wire/s3';
import '../../shared/adapters/wire/queue';
import { httpRouter } from '../../shared/http/router';
import { uploadRoutes } from './upload-routes';

export const handler = httpRouter(uploadRoutes);
