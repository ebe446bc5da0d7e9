# The Dynaccel server image. Build from the repository root:  docker build -t dynaccel .
# Run:  docker run --rm -p 127.0.0.1:8111:8111 -e DYNACCEL_UPSTREAM_ENDPOINT=https://dynamodb.eu-west-1.amazonaws.com \
#         -e DYNACCEL_UPSTREAM_REGION=eu-west-1 -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY dynaccel
# localstack/docker-compose.yml runs it in front of LocalStack.

# Stage 1: the shaded server jar. Only the modules the server needs (-pl server -am). The server's build vendors the
# status page's chart library from npm into the jar, so this stage needs Node.js. The localstack module's dynalite is
# for tests only, and its package files are not copied: its "npm ci" is skipped (dynaccel.dynalite.skip).
FROM maven:3.9-eclipse-temurin-17 AS build
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Every module's pom: Maven reads the whole reactor even when it builds a part of it.
COPY pom.xml ./
COPY config/pom.xml config/
COPY localstack/pom.xml localstack/
COPY server/pom.xml server/
COPY client-sdk/pom.xml client-sdk/
COPY bench/pom.xml bench/
COPY config/src config/src
COPY localstack/src localstack/src
COPY server/src server/src
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -DskipTests -Ddynaccel.dynalite.skip=true -pl server -am package

# Stage 2: a JRE and the jar, run as an unprivileged user.
FROM eclipse-temurin:17-jre-noble
RUN groupadd --system dynaccel \
    && useradd --system --gid dynaccel --home-dir /var/lib/dynaccel --create-home --shell /usr/sbin/nologin dynaccel
COPY --from=build /src/server/target/dynaccel-server.jar /opt/dynaccel/dynaccel-server.jar
# The working directory holds the write-back log (writeBack.logDir, default dynaccel-wal, relative to it).
WORKDIR /var/lib/dynaccel
USER dynaccel
# Inside a container the API must listen beyond loopback to be reachable through a published port; publish it on
# 127.0.0.1, or set auth (the node warns at start-up that it listens without authentication). The admin listener
# stays on the container's loopback: off loopback it requires DYNACCEL_ADMIN_TOKEN_FILE (see README, "Admin endpoints").
ENV DYNACCEL_SERVER_HOST=0.0.0.0
EXPOSE 8111 8112
# Runs inside the container, so it reaches the admin listener on loopback. curl is part of the eclipse-temurin
# Ubuntu images (installed in their Dockerfile, adoptium/containers 17/jre/ubuntu/noble). With TLS on (tls.certFile,
# from the environment or a config file) the admin listener speaks HTTPS with the API's certificate: plain HTTP fails
# at once there, and the check asks again over HTTPS. -k: the certificate names the service, not 127.0.0.1, and the
# check sends nothing secret; it only reads readiness. With mutual TLS (tls.clientCaFile) override the check.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${DYNACCEL_ADMIN_PORT:-8112}/health/ready" \
        || curl -fsSk -o /dev/null "https://127.0.0.1:${DYNACCEL_ADMIN_PORT:-8112}/health/ready" || exit 1
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/dynaccel/dynaccel-server.jar"]
