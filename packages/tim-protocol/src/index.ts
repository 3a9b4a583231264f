export * from './schemas/limits';
export * from './schemas/errors';
export * from './schemas/entities';
export * from './schemas/http';
export * from './schemas/frames';
export * from './mentions';
