#!/usr/bin/env sh
# Writes docker/.env for docker/compose.yaml: the project name and fresh random secrets.
#   docker/gen-env.sh            # writes docker/.env (refuses to overwrite it)
#   docker/gen-env.sh PATH       # writes PATH instead
# Keep the file: CUEWIRE_SECRETS_KEY seals the webhook secrets stored in Kafka, and a new key
# cannot open what the old one sealed. Needs only a POSIX shell and coreutils (no openssl).
set -eu
target="${1:-$(dirname "$0")/.env}"
if [ -e "$target" ]; then
  echo "$target exists; keeping it (delete it first to make new secrets: stored webhook secrets then become unreadable)" >&2
  exit 1
fi
# 32 random bytes, base64 (44 characters): what CUEWIRE_SECRETS_KEY must be.
secret() { head -c 32 /dev/urandom | base64 | tr -d '\n'; }
umask 077
cat > "$target" <<ENV
COMPOSE_PROJECT_NAME=cuewire
# Bootstrap admin API key (every scope): send it as Authorization: Bearer <key> to create real keys.
CUEWIRE_ADMIN_KEY=$(secret)
# AES-256-GCM key of webhook secrets at rest (32 bytes, base64). Never change it on a running install.
CUEWIRE_SECRETS_KEY=$(secret)
# Signs open-pixel and click-redirect tokens (comma-separated; the first signs).
FEEDBACK_TRACKING_KEYS=$(secret)
# The history service's PostgreSQL password (hex: it goes into DATABASE_URL unescaped).
POSTGRES_PASSWORD=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
GRAFANA_ADMIN_PASSWORD=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
# Optional, see README "Configuration": DISPATCH_ALLOW_PRIVATE_CIDRS, FEEDBACK_PUBLIC_BASE_URL,
# FEEDBACK_SENDGRID_PUBLIC_KEY, FEEDBACK_TWILIO_AUTH_TOKENS.
ENV
echo "wrote $target"
