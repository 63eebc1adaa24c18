// How templates (附件模板) are shown: the API paths and views that the api function needs without
// the upload and download use cases (shared/app/templates.ts), which only the uploads function runs.
import type { Obligation, Template } from '../domain/model';

export const TEMPLATES_PREFIX = 'templates/';

/** Where a unit or the office downloads a template (the API path; it answers 302). */
export const templatePath = (obligationId: string, name: string) =>
  `/v1/obligations/${obligationId}/templates/${encodeURIComponent(name)}`;

/** A template as the API shows it: no storage key, the download path instead. */
export const templateView = (obligationId: string, t: Template) => ({
  name: t.name,
  contentType: t.contentType,
  size: t.size,
  uploadedAt: t.uploadedAt,
  url: templatePath(obligationId, t.name),
});

/** An obligation as the API shows it (templates without their storage keys). */
export const obligationView = (ob: Obligation) => ({
  ...ob,
  templates: (ob.templates ?? []).map((t) => templateView(ob.obligationId, t)),
});
