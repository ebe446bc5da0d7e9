#!/bin/bash
# LocalStack init hook (ready stage): the table the README's examples use. The stream lets a node with
# streamInvalidation see writes that bypass it.
set -euo pipefail
awslocal dynamodb create-table \
  --table-name Orders \
  --attribute-definitions AttributeName=id,AttributeType=S \
  --key-schema AttributeName=id,KeyType=HASH \
  --billing-mode PAY_PER_REQUEST \
  --stream-specification StreamEnabled=true,StreamViewType=KEYS_ONLY
