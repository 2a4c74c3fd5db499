/* Load generator for tools/bench/kernel.mjs: produces kernel events at a steady rate.
 *   kernel-loadgen connect <port> <rate/s, 0 = as fast as possible> <seconds>
 *     blocking connect() to a closed 127.0.0.1 port: one refused connect each
 *   kernel-loadgen exec <rate/s, 0 = as fast as possible> <seconds>
 *     posix_spawn of /bin/true: one exec (and one clean exit) each
 * Prints the number of operations done. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void refused_connect(struct sockaddr_in *addr)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return;
	connect(fd, (struct sockaddr *)addr, sizeof(*addr));
	close(fd);
}

static int in_flight = 0;

static void spawn_true(void)
{
	char *argv[] = { "true", NULL };
	pid_t pid;
	if (posix_spawn(&pid, "/bin/true", NULL, NULL, argv, environ) == 0)
		in_flight++;
	while (in_flight > 0 && waitpid(-1, NULL, in_flight > 64 ? 0 : WNOHANG) > 0)
		in_flight--;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: %s connect <port> <rate> <seconds> | exec <rate> <seconds>\n", argv[0]);
		return 2;
	}
	int is_connect = strcmp(argv[1], "connect") == 0;
	struct sockaddr_in addr = { .sin_family = AF_INET };
	int arg = 2;
	if (is_connect) {
		addr.sin_port = htons(atoi(argv[arg++]));
		addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	}
	double rate = atof(argv[arg++]);
	double seconds = atof(argv[arg++]);
	double start = now_s();
	long done = 0;
	for (;;) {
		double elapsed = now_s() - start;
		if (elapsed >= seconds)
			break;
		long due = rate > 0 ? (long)(elapsed * rate) + 1 : done + 64;
		if (done >= due) {
			struct timespec pause = { 0, 200000 };
			nanosleep(&pause, NULL);
			continue;
		}
		while (done < due) {
			if (is_connect)
				refused_connect(&addr);
			else
				spawn_true();
			done++;
		}
	}
	while (in_flight > 0 && waitpid(-1, NULL, 0) > 0)
		in_flight--;
	printf("%ld\n", done);
	return 0;
}
