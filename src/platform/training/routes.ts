import fs from 'node:fs';
import { Readable } from 'node:stream';
import { Type } from '@fastify/type-provider-typebox';
import type { ModuleRoutes } from '../../modules.ts';
import { AppError } from '../errors.ts';
import { AUDIENCES, GUIDE_LIMITS, VIDEO_LIMITS, type Audience } from './model.ts';
import { contentRange, decideRange, ifRangeAllows, notModified } from './range.ts';
import {
  createGuide,
  getGuide,
  getVideo,
  getVideoCaptions,
  importShippedGuides,
  listGuides,
  listVideos,
  openVideoFile,
  setGuideArchive,
  setVideoArchive,
  setVideoCaptions,
  shippedGuidesState,
  trainingLimits,
  updateGuide,
  updateVideo,
  uploadVideo,
} from './service.ts';

export const TRAINING_TAG = {
  name: 'formation',
  description: 'Espace de formation : guides d’utilisation par profil (Markdown) et vidéos (lecture par plages)',
};

const AudienceId = Type.Unsafe<Audience>({
  type: 'string',
  enum: [...AUDIENCES],
  description: 'Profil visé, ou « tous »',
});
const Uuid = Type.String({ format: 'uuid' });
const GuideRef = Type.String({
  pattern: '^[a-z0-9-]{1,80}$',
  description: 'Identifiant (UUID) ou adresse du guide (par exemple « regulateur »)',
});
const Archived = Type.Optional(
  Type.Union([Type.Literal('exclude'), Type.Literal('only'), Type.Literal('include')], {
    description: 'Gestionnaires : « only » liste les archives, « include » tout',
  }),
);

const GuideSummary = Type.Object({
  id: Uuid,
  slug: Type.String(),
  title: Type.String(),
  audience: Type.Array(AudienceId),
  published: Type.Boolean(),
  archived: Type.Boolean(),
  shipped: Type.Boolean({ description: 'Livré avec maillage (fichier du dépôt)' }),
  version: Type.Integer(),
  updatedAt: Type.String({ format: 'date-time' }),
  updatedBy: Type.String(),
  excerpt: Type.Union([Type.String(), Type.Null()]),
});

const Guide = Type.Object({ ...GuideSummary.properties, bodyMarkdown: Type.String() });

const Video = Type.Object({
  id: Uuid,
  title: Type.String(),
  description: Type.String(),
  audience: Type.Array(AudienceId),
  mime: Type.Union([Type.Literal('video/mp4'), Type.Literal('video/webm')]),
  sizeBytes: Type.Integer(),
  durationSeconds: Type.Union([Type.Integer(), Type.Null()]),
  hasCaptions: Type.Boolean(),
  archived: Type.Boolean(),
  uploadedAt: Type.String({ format: 'date-time' }),
  uploadedBy: Type.String(),
  contentUrl: Type.String(),
  captionsUrl: Type.Union([Type.String(), Type.Null()]),
});

const ShippedGuideState = Type.Object({
  slug: Type.String(),
  title: Type.String(),
  audience: Type.Array(AudienceId),
  status: Type.Union([
    Type.Literal('absent'),
    Type.Literal('current'),
    Type.Literal('update-available'),
    Type.Literal('modified-here'),
    Type.Literal('archived'),
    Type.Literal('slug-taken'),
  ]),
  statusLabel: Type.String(),
  guideId: Type.Union([Uuid, Type.Null()]),
});

const Title = Type.String({ minLength: 1, maxLength: GUIDE_LIMITS.title });
const Audiences = Type.Array(AudienceId, { minItems: 1, maxItems: AUDIENCES.length });
const Duration = Type.Integer({ minimum: 1, maximum: 24 * 3600, description: 'Durée en secondes' });

const VIDEO_TYPES = ['video/mp4', 'video/webm', 'application/octet-stream'];

/** A request header as one string (a header sent twice is joined, as HTTP reads it). */
function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The training space: guides for everyone's profile, managed by national administrators; videos streamed by ranges. */
export const trainingRoutes: ModuleRoutes = async (app, { deps }) => {
  const { db, config } = deps;
  const storage = { uploadDir: config.uploadDir, videoMaxBytes: config.videoMaxBytes };

  // A video arrives as the raw request body and is streamed to disk by the use case, never held in memory;
  // its size limit is the service's (the application's JSON body limit does not apply).
  app.addContentTypeParser(VIDEO_TYPES, (_request, payload, done) => done(null, payload));
  app.addContentTypeParser(
    'text/vtt',
    { parseAs: 'string', bodyLimit: VIDEO_LIMITS.captions },
    (_request, body, done) => done(null, body),
  );

  app.get(
    '/guides',
    {
      schema: {
        tags: ['formation'],
        summary: 'Guides de mes profils (tous les guides, brouillons compris, pour un gestionnaire) ; recherche',
        querystring: Type.Object(
          {
            q: Type.Optional(
              Type.String({ maxLength: 200, description: 'Mots cherchés dans le titre et le texte (accents ignorés)' }),
            ),
            audience: Type.Optional(AudienceId),
            archived: Archived,
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(GuideSummary) },
      },
    },
    async (request) => listGuides(db, request.actor, request.query),
  );

  app.post(
    '/guides',
    {
      schema: {
        tags: ['formation'],
        summary: 'Écrire un guide (brouillon tant qu’il n’est pas publié)',
        body: Type.Object(
          {
            title: Title,
            audience: Audiences,
            bodyMarkdown: Type.String({ maxLength: GUIDE_LIMITS.body }),
            published: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 201: Guide },
      },
    },
    async (request, reply) => reply.code(201).send(await createGuide(db, request.actor, request.body)),
  );

  app.get(
    '/guides/:id',
    {
      schema: {
        tags: ['formation'],
        summary: 'Un guide et son texte Markdown',
        params: Type.Object({ id: GuideRef }),
        response: { 200: Guide },
      },
    },
    async (request) => getGuide(db, request.actor, request.params.id),
  );

  app.patch(
    '/guides/:id',
    {
      schema: {
        tags: ['formation'],
        summary: 'Modifier, publier ou dépublier un guide (la version précédente est conservée)',
        params: Type.Object({ id: GuideRef }),
        body: Type.Object(
          {
            version: Type.Integer({ minimum: 1, description: 'Version de départ de la modification' }),
            title: Type.Optional(Title),
            audience: Type.Optional(Audiences),
            bodyMarkdown: Type.Optional(Type.String({ maxLength: GUIDE_LIMITS.body })),
            published: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: Guide },
      },
    },
    async (request) => updateGuide(db, request.actor, request.params.id, request.body),
  );

  app.post(
    '/guides/:id/archive',
    {
      schema: {
        tags: ['formation'],
        summary: 'Archiver un guide : il disparaît des listes, rien n’est effacé, il peut être restauré',
        params: Type.Object({ id: GuideRef }),
        response: { 200: Guide },
      },
    },
    async (request) => setGuideArchive(db, request.actor, request.params.id, true),
  );

  app.post(
    '/guides/:id/restore',
    {
      schema: {
        tags: ['formation'],
        summary: 'Restaurer un guide archivé',
        params: Type.Object({ id: GuideRef }),
        response: { 200: Guide },
      },
    },
    async (request) => setGuideArchive(db, request.actor, request.params.id, false),
  );

  app.get(
    '/shipped-guides',
    {
      schema: {
        tags: ['formation'],
        summary: 'Guides livrés avec cette version de maillage, et leur état ici',
        response: { 200: Type.Array(ShippedGuideState) },
      },
    },
    async (request) => shippedGuidesState(db, request.actor),
  );

  app.post(
    '/shipped-guides/import',
    {
      schema: {
        tags: ['formation'],
        summary:
          'Importer les guides livrés : ajoute les absents, met à jour ceux qui n’ont pas été modifiés ici, laisse les autres',
        response: { 200: Type.Array(ShippedGuideState) },
      },
    },
    async (request) => importShippedGuides(db, request.actor),
  );

  app.get(
    '/limits',
    {
      schema: {
        tags: ['formation'],
        summary: 'Limites des guides et des vidéos (taille maximale d’une vidéo…), vérifiées aussi par le serveur',
        response: {
          200: Type.Object({
            videoMaxBytes: Type.Integer(),
            captionsMaxBytes: Type.Integer(),
            guideMaxCharacters: Type.Integer(),
            titleMaxCharacters: Type.Integer(),
          }),
        },
      },
    },
    async (request) => trainingLimits(db, request.actor, storage),
  );

  app.get(
    '/videos',
    {
      schema: {
        tags: ['formation'],
        summary: 'Vidéos de mes profils (toutes pour un gestionnaire)',
        querystring: Type.Object({ archived: Archived }, { additionalProperties: false }),
        response: { 200: Type.Array(Video) },
      },
    },
    async (request) => listVideos(db, request.actor, request.query.archived),
  );

  app.post(
    '/videos',
    {
      schema: {
        tags: ['formation'],
        summary:
          'Déposer une vidéo MP4 ou WebM : le fichier est le corps de la requête, les informations en paramètres',
        description:
          'Corps : le fichier tel quel (Content-Type video/mp4, video/webm ou application/octet-stream), ' +
          'le format étant reconnu à ses premiers octets. Taille maximale : MAILLAGE_VIDEO_MAX_MB.',
        consumes: VIDEO_TYPES,
        querystring: Type.Object(
          {
            title: Title,
            audience: Audiences,
            description: Type.Optional(Type.String({ maxLength: VIDEO_LIMITS.description })),
            durationSeconds: Type.Optional(Duration),
          },
          { additionalProperties: false },
        ),
        response: { 201: Video },
      },
    },
    async (request, reply) => {
      const length = Number(request.headers['content-length']);
      // Only the video types' parser hands the body over as a stream; JSON or text reached here are refused.
      const body = request.body instanceof Readable ? request.body : null;
      const video = await uploadVideo(
        db,
        request.actor,
        storage,
        request.query,
        body,
        Number.isFinite(length) ? length : undefined,
      );
      return reply.code(201).send(video);
    },
  );

  app.get(
    '/videos/:id',
    {
      schema: {
        tags: ['formation'],
        summary: 'Une vidéo (informations)',
        params: Type.Object({ id: Uuid }),
        response: { 200: Video },
      },
    },
    async (request) => getVideo(db, request.actor, request.params.id),
  );

  app.patch(
    '/videos/:id',
    {
      schema: {
        tags: ['formation'],
        summary: 'Modifier les informations d’une vidéo',
        params: Type.Object({ id: Uuid }),
        body: Type.Object(
          {
            title: Type.Optional(Title),
            audience: Type.Optional(Audiences),
            description: Type.Optional(Type.String({ maxLength: VIDEO_LIMITS.description })),
            durationSeconds: Type.Optional(Type.Union([Duration, Type.Null()])),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Video },
      },
    },
    async (request) => updateVideo(db, request.actor, request.params.id, request.body),
  );

  app.post(
    '/videos/:id/archive',
    {
      schema: {
        tags: ['formation'],
        summary: 'Archiver une vidéo : elle disparaît des listes, son fichier est conservé, elle peut être restaurée',
        params: Type.Object({ id: Uuid }),
        response: { 200: Video },
      },
    },
    async (request) => setVideoArchive(db, request.actor, request.params.id, true),
  );

  app.post(
    '/videos/:id/restore',
    {
      schema: {
        tags: ['formation'],
        summary: 'Restaurer une vidéo archivée',
        params: Type.Object({ id: Uuid }),
        response: { 200: Video },
      },
    },
    async (request) => setVideoArchive(db, request.actor, request.params.id, false),
  );

  app.put(
    '/videos/:id/captions',
    {
      schema: {
        tags: ['formation'],
        summary: 'Joindre des sous-titres français (fichier WebVTT, corps text/vtt)',
        consumes: ['text/vtt'],
        params: Type.Object({ id: Uuid }),
        body: Type.String({ maxLength: VIDEO_LIMITS.captions }),
        response: { 200: Video },
      },
    },
    async (request) => setVideoCaptions(db, request.actor, request.params.id, request.body),
  );

  app.delete(
    '/videos/:id/captions',
    {
      schema: {
        tags: ['formation'],
        summary: 'Retirer les sous-titres d’une vidéo',
        params: Type.Object({ id: Uuid }),
        response: { 200: Video },
      },
    },
    async (request) => setVideoCaptions(db, request.actor, request.params.id, null),
  );

  app.get(
    '/videos/:id/captions',
    {
      schema: {
        tags: ['formation'],
        summary: 'Sous-titres d’une vidéo (WebVTT)',
        produces: ['text/vtt'],
        params: Type.Object({ id: Uuid }),
      },
    },
    async (request, reply) =>
      reply
        .type('text/vtt; charset=utf-8')
        .header('cache-control', 'private, no-cache')
        .send(await getVideoCaptions(db, request.actor, request.params.id)),
  );

  app.route({
    method: ['GET', 'HEAD'],
    url: '/videos/:id/content',
    schema: {
      tags: ['formation'],
      summary: 'Le fichier d’une vidéo, par plages d’octets (Range : 206, 416 hors du fichier)',
      produces: ['video/mp4', 'video/webm'],
      params: Type.Object({ id: Uuid }),
    },
    handler: async (request, reply) => {
      const file = await openVideoFile(db, request.actor, storage, request.params.id);
      reply
        .header('accept-ranges', 'bytes')
        .header('etag', file.etag)
        .header('last-modified', file.lastModified)
        // Behind a session: no shared cache keeps it; the browser asks again, cheaply (304 or a range).
        .header('cache-control', 'private, no-cache')
        .header('content-disposition', `inline; filename="${file.downloadName}"`);
      if (notModified(header(request.headers['if-none-match']), file.etag)) return reply.code(304).send();

      const range = request.headers.range;
      let decision = decideRange(range, file.size);
      if (
        decision.kind !== 'full' &&
        !ifRangeAllows(header(request.headers['if-range']), file.etag, file.lastModified)
      ) {
        decision = { kind: 'full' };
      }
      if (decision.kind === 'unsatisfiable') {
        throw new AppError(
          'range-not-satisfiable',
          `La plage demandée (${String(range).slice(0, 60)}) est hors de la vidéo, qui compte ${file.size} octets.`,
          [],
          { 'content-range': `bytes */${file.size}` },
        );
      }
      const start = decision.kind === 'partial' ? decision.start : 0;
      const end = decision.kind === 'partial' ? decision.end : file.size - 1;
      reply.type(file.mime).header('content-length', String(end - start + 1));
      if (decision.kind === 'partial') reply.code(206).header('content-range', contentRange(decision, file.size));
      if (request.method === 'HEAD') return reply.send();
      return reply.send(fs.createReadStream(file.path, { start, end }));
    },
  });
};
