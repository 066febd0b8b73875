export {
  buildServer,
  type KeelServer,
  type ServerOptions,
  type ServerPlugin,
  type ServerRole,
} from './app.js';
export { bearerAuth } from './auth.js';
export {
  type ClusterHandle,
  type ClusterOptions,
  isClusterWorker,
  leaveCluster,
  startCluster,
} from './cluster.js';
export {
  checkPredictBody,
  fastPredict,
  fastRouteOf,
  INFER_ROUTE,
  INFER_VERSION_ROUTE,
} from './fast-predict.js';
export { type EnrichedRecords, FeatureEnricher } from './feature-enricher.js';
export {
  type GrpcServerHandle,
  INFERENCE_PROTO,
  loadInferenceService,
  PROTO_OPTIONS,
  startGrpcServer,
  toGrpcError,
} from './grpc/grpc-server.js';
export {
  errorHandler,
  notFoundHandler,
  retryAfterSeconds,
  sendKeelError,
  toHttpError,
} from './http-errors.js';
export { LoadGuard, type LoadGuardOptions } from './load-guard.js';
export { requestIdGenerator, requestObserver, type ServerMonitoring, startMonitoring } from './monitoring.js';
export { OIP_EXTENSIONS } from './routes/oip.js';
export { PREDICT_ROUTE, serializePredict } from './routes/predict.js';
export type { AnsweredBy, RequestObserver, ServerContext } from './server-context.js';
export { type RunningServer, type StartServerOptions, startServer } from './start-server.js';
