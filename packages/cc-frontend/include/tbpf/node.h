/* tbpf/node.h: the records of Node.js's own events, as trace-host publishes them under
 * events/node/<event> (`@tbpf/trace-host/register`, `tbpf trace attach`). A tracepoint
 * program sees the record of its event:
 *
 *   SEC("tracepoint/node/http_server_response_finish")
 *   int f(struct node_http_server_response_finish *ctx) { return ctx->status >= 500; }
 *
 * Event `X` has `struct node_X`; its first member is the common header, then the fields in the
 * order and at the offsets of the event's `format` file (trace-host reads this header to build
 * the events, so the two cannot disagree). Strings are copied from the JavaScript objects,
 * truncated to the array (always NUL-terminated); a value Node does not know is 0 or "".
 * Durations are nanoseconds. */
#ifndef __TBPF_NODE_H
#define __TBPF_NODE_H

#include <tbpf/trace.h>

#define NODE_METHOD_LEN 16
#define NODE_URL_LEN 128
#define NODE_HOST_LEN 64
#define NODE_ADDR_LEN 48
#define NODE_NAME_LEN 32
#define NODE_MESSAGE_LEN 128

/* ── HTTP (diagnostics_channel http.*) ─────────────────────────────────────────────────── */

/* http.client.request.start: an http.request() begins. */
struct node_http_client_request_start {
  struct trace_entry ent;
  char method[NODE_METHOD_LEN];
  char host[NODE_HOST_LEN];
  char path[NODE_URL_LEN];
  unsigned short port;
};

/* http.client.request.error: the request failed (error is the code, else the message). */
struct node_http_client_request_error {
  struct trace_entry ent;
  char method[NODE_METHOD_LEN];
  char host[NODE_HOST_LEN];
  char path[NODE_URL_LEN];
  unsigned short port;
  char error[NODE_NAME_LEN];
};

/* http.client.response.finish: the response arrived; duration since the request started. */
struct node_http_client_response_finish {
  struct trace_entry ent;
  unsigned long long duration_ns;
  unsigned long long content_length;
  char method[NODE_METHOD_LEN];
  char host[NODE_HOST_LEN];
  char path[NODE_URL_LEN];
  unsigned short port;
  unsigned short status;
};

/* http.server.request.start: the server received a request. */
struct node_http_server_request_start {
  struct trace_entry ent;
  unsigned long long content_length;
  char method[NODE_METHOD_LEN];
  char url[NODE_URL_LEN];
  char remote_addr[NODE_ADDR_LEN];
  unsigned short remote_port;
  unsigned short local_port;
};

/* http.server.response.finish: the server finished a response; duration since the request
 * started, bytes written to the socket for it (headers included). */
struct node_http_server_response_finish {
  struct trace_entry ent;
  unsigned long long duration_ns;
  unsigned long long bytes;
  char method[NODE_METHOD_LEN];
  char url[NODE_URL_LEN];
  char remote_addr[NODE_ADDR_LEN];
  unsigned short remote_port;
  unsigned short status;
};

/* ── net, dgram ────────────────────────────────────────────────────────────────────────── */

/* net.client.socket: a client socket connected (the channel publishes before the connect;
 * the event fires on 'connect'). */
struct node_net_client_socket {
  struct trace_entry ent;
  char remote_addr[NODE_ADDR_LEN];
  unsigned short remote_port;
  unsigned short local_port;
  unsigned char family;
};

/* net.server.socket: a server accepted a connection. family: 4 or 6. */
struct node_net_server_socket {
  struct trace_entry ent;
  char remote_addr[NODE_ADDR_LEN];
  unsigned short remote_port;
  unsigned short local_port;
  unsigned char family;
};

/* udp.socket: a dgram socket was created ("udp4" or "udp6"). */
struct node_udp_socket {
  struct trace_entry ent;
  char type[8];
};

/* ── undici (fetch) ────────────────────────────────────────────────────────────────────── */

/* undici:request:create: a fetch()/undici request was created. */
struct node_undici_request_create {
  struct trace_entry ent;
  char method[NODE_METHOD_LEN];
  char origin[NODE_HOST_LEN];
  char path[NODE_URL_LEN];
};

/* undici:request:headers: the response headers arrived; duration since the request was created. */
struct node_undici_request_headers {
  struct trace_entry ent;
  unsigned long long duration_ns;
  char method[NODE_METHOD_LEN];
  char origin[NODE_HOST_LEN];
  char path[NODE_URL_LEN];
  unsigned short status;
};

/* undici:request:trailers: the response completed; duration since the request was created. */
struct node_undici_request_trailers {
  struct trace_entry ent;
  unsigned long long duration_ns;
  char method[NODE_METHOD_LEN];
  char origin[NODE_HOST_LEN];
  char path[NODE_URL_LEN];
};

/* undici:request:error: the request failed (error is the code, else the name). */
struct node_undici_request_error {
  struct trace_entry ent;
  char method[NODE_METHOD_LEN];
  char origin[NODE_HOST_LEN];
  char path[NODE_URL_LEN];
  char error[NODE_NAME_LEN];
};

/* ── processes and threads ─────────────────────────────────────────────────────────────── */

/* child_process: a child process was spawned (the event fires at the child's 'spawn'). */
struct node_child_process {
  struct trace_entry ent;
  int child_pid;
  char file[NODE_HOST_LEN];
  char args[NODE_URL_LEN];
};

/* worker_threads: a Worker was created. */
struct node_worker_threads {
  struct trace_entry ent;
  int thread_id;
};

/* ── perf_hooks ────────────────────────────────────────────────────────────────────────── */

/* gc: a garbage collection (PerformanceObserver 'gc'): kind 1 major, 2 minor, 4 incremental,
 * 8 weak callbacks; flags as perf_hooks' NODE_PERFORMANCE_GC_FLAGS_*. Delivered after the
 * collection, in a batch. */
struct node_gc {
  struct trace_entry ent;
  unsigned long long duration_ns;
  unsigned int kind;
  unsigned int flags;
};

/* event_loop_delay: monitorEventLoopDelay() over the last interval (then reset). */
struct node_event_loop_delay {
  struct trace_entry ent;
  unsigned long long min_ns;
  unsigned long long max_ns;
  unsigned long long mean_ns;
  unsigned long long stddev_ns;
  unsigned long long p50_ns;
  unsigned long long p99_ns;
  unsigned long long samples;
};

/* ── process events ────────────────────────────────────────────────────────────────────── */

/* uncaught_exception: 'uncaughtExceptionMonitor' (the process's behaviour is unchanged);
 * origin is "uncaughtException" or "unhandledRejection". */
struct node_uncaught_exception {
  struct trace_entry ent;
  char name[NODE_NAME_LEN];
  char message[NODE_MESSAGE_LEN];
  char origin[NODE_NAME_LEN];
};

/* warning: process 'warning' (e.g. a deprecation); Node still prints it. */
struct node_warning {
  struct trace_entry ent;
  char name[NODE_NAME_LEN];
  char code[NODE_NAME_LEN];
  char message[NODE_MESSAGE_LEN];
};

/* exit: process 'exit' with its exit code. */
struct node_exit {
  struct trace_entry ent;
  int code;
};

#endif
