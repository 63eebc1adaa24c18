// Templates (附件模板): files the office attaches to an obligation — a form to fill in — that the
// units it applies to download from their slot. The office gets a presigned POST into
// `templates/<obligationId>/<ulid>` with the checks of an upload (declared size ≤ maxBytes → 413,
// type among allowedTypes → 415, the policy's content-length-range); a download checks the stored
// object's real leading bytes against its type before it hands out a short-lived presigned GET.
import { ulid } from 'ulid';
import * as z from 'zod';
import { appliesTo } from '../domain/due';
import { conflict, forbidden, notFound } from '../domain/errors';
import type { Principal, Template } from '../domain/model';
import { acceptFile, fileFields } from '../domain/files';
import { checkContent, declaredType, mimeOf } from '../domain/sniff';
import { auditOffice } from './audit';
import type { Clock, ObjectStore, Store } from './ports';
import { TEMPLATES_PREFIX, templatePath, templateView } from './template-views';
import { presignFile } from './submissions';

const SNIFF_BYTES = 16;

/** A template download link lasts 5 minutes. */
export const TEMPLATE_DOWNLOAD_SECONDS = 300;
export const MAX_TEMPLATES = 20;

export const templateRequestSchema = z.strictObject(fileFields);
export type TemplateRequest = z.infer<typeof templateRequestSchema>;

type Deps = { store: Store; clock: Clock; objects: ObjectStore };

/** POST /v1/obligations/{id}/templates (office): a presigned POST; a template of the same name is replaced. */
export async function requestTemplateUpload(
  d: Deps,
  who: Principal,
  obligationId: string,
  body: TemplateRequest,
) {
  const now = d.clock.now();
  const ob = await d.store.getObligation(obligationId);
  if (!ob) throw notFound(`obligation ${obligationId}`);
  // As for uploads: the type is the extension's; the stored Content-Type is that type's.
  const { fileName: name, contentType } = acceptFile(ob, body);
  const others = (ob.templates ?? []).filter((t) => t.name !== name);
  if (others.length >= MAX_TEMPLATES)
    throw conflict(`an obligation keeps at most ${MAX_TEMPLATES} templates`);
  const template: Template = {
    name,
    key: `${TEMPLATES_PREFIX}${obligationId}/${ulid(now.getTime())}`,
    contentType,
    size: body.size,
    uploadedAt: now.toISOString(),
  };
  const post = await presignFile(d.objects, template.key, { fileName: name, contentType }, ob.maxBytes);
  await d.store.write([
    { type: 'putObligation', obligation: { ...ob, templates: [...others, template] } },
    auditOffice(who, now, 'template-added', {
      obligationId,
      name,
      contentType: body.contentType,
      size: body.size,
    }),
  ]);
  return {
    ...templateView(obligationId, template),
    key: template.key,
    url: post.url,
    fields: post.fields,
    expiresAt: post.expiresAt,
    maxBytes: ob.maxBytes,
    downloadPath: templatePath(obligationId, name),
  };
}

/**
 * GET /v1/obligations/{id}/templates/{name}: a presigned GET for the office and for any unit the
 * obligation applies to (403 for another unit); 404 while the file is not uploaded yet; 409 when
 * the stored file is not of its type (the office must upload it again).
 */
export async function templateDownloadUrl(
  d: Pick<Deps, 'store' | 'objects'>,
  who: Principal,
  obligationId: string,
  name: string,
): Promise<string> {
  const ob = await d.store.getObligation(obligationId);
  if (!ob) throw notFound(`obligation ${obligationId}`);
  if (who.role === 'unit') {
    const unit = await d.store.getUnit(who.unitId);
    if (!unit || !appliesTo(ob, unit)) throw forbidden('this obligation does not apply to your unit');
  }
  const t = (ob.templates ?? []).find((x) => x.name === name);
  if (!t) throw notFound(`template ${name}`);
  const obj = await d.objects.read(t.key, {
    leadingBytes: SNIFF_BYTES,
    trailingBytes: 0,
    maxBytes: ob.maxBytes,
  });
  if (!obj) throw notFound(`template ${name} (not uploaded yet)`);
  const type = declaredType(t.name);
  const check = checkContent(obj.leading, type, ob.allowedTypes);
  if (!check.ok || !type || obj.size > ob.maxBytes)
    throw conflict(`the template file fails the upload checks: upload it again`);
  return d.objects.presignGet(t.key, t.name, TEMPLATE_DOWNLOAD_SECONDS, obj.versionId, mimeOf(type));
}
