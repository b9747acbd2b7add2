; The thread pool of a dlc-generated library, linked into every module that
; runs loops in parallel (loop.parallel_call) or exports
; <name>_set_num_threads. Plain LLVM IR over libc and pthreads, no OpenMP.
;
; - The thread count is DLC_NUM_THREADS when set (1 to 64), else the number
;   of online CPUs (sysconf(_SC_NPROCESSORS_ONLN), Linux's 84), until
;   __dlc_set_num_threads changes it. With 1 thread no thread is created.
; - Workers start on the first parallel loop that needs them and live as
;   long as the process (detached). Between loops a worker spins for a
;   while on the job generation counter, then sleeps on a condition
;   variable; nothing is allocated while a model runs.
; - __dlc_parallel_for(fn, ctx, lb, ub, step) splits the iterations of
;   [lb, ub) into one contiguous piece per thread, runs piece 0 on the
;   calling thread and fn(ctx, lo, hi) for the others on the workers, and
;   returns when all are done. Parallel loops of concurrent callers run one
;   after the other (__dlc_run_lock).

@__dlc_threads = internal global i32 0
@__dlc_workers = internal global i32 0
@__dlc_job_fn = internal global ptr null
@__dlc_job_ctx = internal global ptr null
@__dlc_job_lb = internal global i64 0
@__dlc_job_ub = internal global i64 0
@__dlc_job_step = internal global i64 1
@__dlc_job_parts = internal global i64 1
@__dlc_gen = internal global i32 0, align 64
@__dlc_pending = internal global i32 0, align 64
@__dlc_lock = internal global [128 x i8] zeroinitializer, align 64
@__dlc_cond = internal global [128 x i8] zeroinitializer, align 64
@__dlc_run_lock = internal global [128 x i8] zeroinitializer, align 64
@__dlc_env = private unnamed_addr constant [16 x i8] c"DLC_NUM_THREADS\00"

declare i32 @pthread_create(ptr, ptr, ptr, ptr)
declare i32 @pthread_detach(i64)
declare i32 @pthread_mutex_lock(ptr)
declare i32 @pthread_mutex_unlock(ptr)
declare i32 @pthread_cond_wait(ptr, ptr)
declare i32 @pthread_cond_broadcast(ptr)
declare ptr @getenv(ptr)
declare i64 @strtol(ptr, ptr, i32)
declare i64 @sysconf(i32)

define internal i32 @__dlc_clamp_threads(i64 %n) {
  %lo = icmp slt i64 %n, 1
  %a = select i1 %lo, i64 1, i64 %n
  %hi = icmp sgt i64 %a, 64
  %b = select i1 %hi, i64 64, i64 %a
  %r = trunc i64 %b to i32
  ret i32 %r
}

define internal i32 @__dlc_num_threads() {
entry:
  %t = load i32, ptr @__dlc_threads
  %set = icmp sgt i32 %t, 0
  br i1 %set, label %done, label %init
init:
  %e = call ptr @getenv(ptr @__dlc_env)
  %has = icmp ne ptr %e, null
  br i1 %has, label %env, label %cpus
env:
  %v = call i64 @strtol(ptr %e, ptr null, i32 10)
  %ok = icmp sgt i64 %v, 0
  br i1 %ok, label %store, label %cpus
cpus:
  %c = call i64 @sysconf(i32 84)
  br label %store
store:
  %n = phi i64 [ %v, %env ], [ %c, %cpus ]
  %m = call i32 @__dlc_clamp_threads(i64 %n)
  store i32 %m, ptr @__dlc_threads
  ret i32 %m
done:
  ret i32 %t
}

define i32 @__dlc_set_num_threads(i32 %n) {
  %w = sext i32 %n to i64
  %m = call i32 @__dlc_clamp_threads(i64 %w)
  store i32 %m, ptr @__dlc_threads
  ret i32 %m
}

; Runs piece %id of the current job.
define internal void @__dlc_run_part(i64 %id) {
entry:
  %fn = load ptr, ptr @__dlc_job_fn
  %ctx = load ptr, ptr @__dlc_job_ctx
  %lb = load i64, ptr @__dlc_job_lb
  %ub = load i64, ptr @__dlc_job_ub
  %step = load i64, ptr @__dlc_job_step
  %parts = load i64, ptr @__dlc_job_parts
  %span = sub i64 %ub, %lb
  %s1 = add i64 %span, %step
  %s2 = sub i64 %s1, 1
  %trips = sdiv i64 %s2, %step
  %t1 = add i64 %trips, %parts
  %t2 = sub i64 %t1, 1
  %chunk = sdiv i64 %t2, %parts
  %first = mul i64 %id, %chunk
  %lastx = add i64 %first, %chunk
  %over = icmp sgt i64 %lastx, %trips
  %last = select i1 %over, i64 %trips, i64 %lastx
  %empty = icmp sge i64 %first, %last
  br i1 %empty, label %out, label %run
run:
  %lo0 = mul i64 %first, %step
  %lo = add i64 %lb, %lo0
  %hi0 = mul i64 %last, %step
  %hi1 = add i64 %lb, %hi0
  %hiover = icmp sgt i64 %hi1, %ub
  %hi = select i1 %hiover, i64 %ub, i64 %hi1
  call void %fn(ptr %ctx, i64 %lo, i64 %hi)
  br label %out
out:
  ret void
}

; A worker: %arg is (generation at its start << 8) | its piece number.
define internal ptr @__dlc_worker(ptr %arg) {
entry:
  %a = ptrtoint ptr %arg to i64
  %id = and i64 %a, 255
  %g0 = lshr i64 %a, 8
  %seen0 = trunc i64 %g0 to i32
  br label %wait
wait:
  %seen = phi i32 [ %seen0, %entry ], [ %g, %work ]
  br label %spin
spin:
  %k = phi i32 [ 0, %wait ], [ %k1, %spin_next ]
  %gs = load atomic i32, ptr @__dlc_gen acquire, align 4
  %new = icmp ne i32 %gs, %seen
  br i1 %new, label %work, label %spin_next
spin_next:
  %k1 = add i32 %k, 1
  %more = icmp slt i32 %k1, 100000
  br i1 %more, label %spin, label %sleep
sleep:
  %l = call i32 @pthread_mutex_lock(ptr @__dlc_lock)
  br label %sleep_check
sleep_check:
  %gw = load atomic i32, ptr @__dlc_gen acquire, align 4
  %same = icmp eq i32 %gw, %seen
  br i1 %same, label %sleep_wait, label %sleep_done
sleep_wait:
  %cw = call i32 @pthread_cond_wait(ptr @__dlc_cond, ptr @__dlc_lock)
  br label %sleep_check
sleep_done:
  %u = call i32 @pthread_mutex_unlock(ptr @__dlc_lock)
  br label %work
work:
  %g = load atomic i32, ptr @__dlc_gen acquire, align 4
  call void @__dlc_run_part(i64 %id)
  %p = atomicrmw sub ptr @__dlc_pending, i32 1 release
  br label %wait
}

define void @__dlc_parallel_for(ptr %fn, ptr %ctx, i64 %lb, i64 %ub, i64 %step) {
entry:
  %n32 = call i32 @__dlc_num_threads()
  %span = sub i64 %ub, %lb
  %few = icmp sle i64 %span, %step
  %one = icmp sle i32 %n32, 1
  %serial = or i1 %few, %one
  br i1 %serial, label %direct, label %par
direct:
  %any = icmp sgt i64 %span, 0
  br i1 %any, label %call1, label %ret
call1:
  call void %fn(ptr %ctx, i64 %lb, i64 %ub)
  br label %ret
par:
  %tid = alloca i64, align 8
  %rl = call i32 @pthread_mutex_lock(ptr @__dlc_run_lock)
  %want = sub i32 %n32, 1
  %w0 = load i32, ptr @__dlc_workers
  br label %spawn
spawn:
  %w = phi i32 [ %w0, %par ], [ %w1, %spawned_one ]
  %need = icmp slt i32 %w, %want
  br i1 %need, label %spawn_body, label %ready
spawn_body:
  %id = add i32 %w, 1
  %gc = load i32, ptr @__dlc_gen
  %gz = zext i32 %gc to i64
  %gsh = shl i64 %gz, 8
  %idz = zext i32 %id to i64
  %argi = or i64 %gsh, %idz
  %arg = inttoptr i64 %argi to ptr
  %rc = call i32 @pthread_create(ptr %tid, ptr null, ptr @__dlc_worker, ptr %arg)
  %failed = icmp ne i32 %rc, 0
  br i1 %failed, label %ready, label %spawned_one
spawned_one:
  %t = load i64, ptr %tid
  %d = call i32 @pthread_detach(i64 %t)
  %w1 = add i32 %w, 1
  store i32 %w1, ptr @__dlc_workers
  br label %spawn
ready:
  %workers = load i32, ptr @__dlc_workers
  %wk = sext i32 %workers to i64
  %avail = add i64 %wk, 1
  %n64 = sext i32 %n32 to i64
  %fewer = icmp slt i64 %avail, %n64
  %parts = select i1 %fewer, i64 %avail, i64 %n64
  store ptr %fn, ptr @__dlc_job_fn
  store ptr %ctx, ptr @__dlc_job_ctx
  store i64 %lb, ptr @__dlc_job_lb
  store i64 %ub, ptr @__dlc_job_ub
  store i64 %step, ptr @__dlc_job_step
  store i64 %parts, ptr @__dlc_job_parts
  store atomic i32 %workers, ptr @__dlc_pending release, align 4
  %ml = call i32 @pthread_mutex_lock(ptr @__dlc_lock)
  %gi = atomicrmw add ptr @__dlc_gen, i32 1 release
  %cb = call i32 @pthread_cond_broadcast(ptr @__dlc_cond)
  %mu = call i32 @pthread_mutex_unlock(ptr @__dlc_lock)
  call void @__dlc_run_part(i64 0)
  br label %join
join:
  %left = load atomic i32, ptr @__dlc_pending acquire, align 4
  %done = icmp eq i32 %left, 0
  br i1 %done, label %finish, label %join
finish:
  %ru = call i32 @pthread_mutex_unlock(ptr @__dlc_run_lock)
  br label %ret
ret:
  ret void
}
