import { Type } from '@sinclair/typebox';
import { ROLES } from '../db/schema.js';
import { Envelope, ErrorEnvelope } from '../http/envelope.schemas.js';

export const PublicUser = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Type.Union(ROLES.map((r) => Type.Literal(r))),
  branchId: Type.Union([Type.String(), Type.Null()]),
});

export const LoginBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 64 }),
  password: Type.String({ minLength: 1, maxLength: 256 }),
});

export const LoginResponse = {
  200: Envelope(Type.Object({ token: Type.String(), expiresAt: Type.Integer(), user: PublicUser })),
  400: ErrorEnvelope,
  401: ErrorEnvelope,
  403: ErrorEnvelope,
  429: ErrorEnvelope,
  503: ErrorEnvelope,
};
