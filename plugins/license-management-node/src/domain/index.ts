export * from './keys';
export * from './token';
export * from './licenseFile';
export * from './requestKey';
export * from './archive';
