// How RQ, django-rq and rq-scheduler are named in code.
export const JOB_DECORATOR = /^(rq|rq\.decorators|django_rq|django_rq\.decorators)\.job$/;
export const QUEUE_CLASS = /^rq(\.queue)?\.Queue$/;
export const SCHEDULER_CLASS = /^rq_scheduler(\.scheduler)?\.Scheduler$/;
export const WORKER_CLASS = /^rq(\.worker)?\.(Worker|SimpleWorker|SpawnWorker|HerokuWorker)$/;
export const GET_QUEUE = /^django_rq(\.queues)?\.get_queue$/;
export const GET_SCHEDULER = /^django_rq\.get_scheduler$/;
export const GET_WORKER = /^django_rq(\.workers)?\.get_worker$/;
export const DJANGO_ENQUEUE = /^django_rq\.enqueue$/;
export const RETRY = /^rq(\.retry|\.job)?\.Retry$/;
