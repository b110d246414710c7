#!/usr/bin/env bash
# Deploys NoComelon to AWS (what `make deploy` runs; nothing here runs in `make test`).
#
# Needs: AWS credentials for the target account, docker (with a running engine),
# terraform, npm, and the variables below. Terraform's inputs come from
# infrastructure/<environment>.tfvars (domains, certificates, VPC and subnets).
#
#   NOCOMELON_TF_STATE_BUCKET  S3 bucket holding Terraform state (required)
#   NOCOMELON_ENVIRONMENT      prefix of every resource name (default nocomelon)
#   AWS_REGION                 region to deploy into (default us-east-1)
#
# Steps: the ECR repositories first (the images need somewhere to go), the four
# images tagged with the git sha, `terraform apply` with that tag, a wait until
# every ECS service is stable, the SPA to its bucket, and the app URL.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
environment="${NOCOMELON_ENVIRONMENT:-nocomelon}"
region="${AWS_REGION:-us-east-1}"
state_bucket="${NOCOMELON_TF_STATE_BUCKET:?set NOCOMELON_TF_STATE_BUCKET to the S3 bucket holding Terraform state}"
tfvars="$here/$environment.tfvars"
services=(gateway vision story media)

[[ -f "$tfvars" ]] || { echo "missing $tfvars (app_domain, api_domain, dns_zone_id, certificates, vpc_id, subnets)" >&2; exit 1; }
if [[ -n "$(git -C "$repo" status --porcelain)" ]]; then
  echo "the working tree has uncommitted changes: images are tagged with the commit, so commit first" >&2
  exit 1
fi
tag="$(git -C "$repo" rev-parse --short=12 HEAD)"

tf() { terraform -chdir="$here" "$@"; }
tf init -input=false -reconfigure \
  -backend-config="bucket=$state_bucket" \
  -backend-config="key=$environment/terraform.tfstate" \
  -backend-config="region=$region"
tf_args=(-input=false -var-file="$tfvars" -var="environment=$environment" -var="region=$region" -var="image_tag=$tag")

echo "==> ECR repositories"
tf apply "${tf_args[@]}" -auto-approve -target=module.compute.aws_ecr_repository.service

echo "==> Images $tag"
registry="$(tf output -json repository_urls | python3 -c 'import json, sys; print(next(iter(json.load(sys.stdin).values())).split("/")[0])')"
aws ecr get-login-password --region "$region" | docker login --username AWS --password-stdin "$registry"
for service in "${services[@]}"; do
  repository="$(tf output -json repository_urls | python3 -c "import json, sys; print(json.load(sys.stdin)['$service'])")"
  if aws ecr describe-images --region "$region" --repository-name "${repository#*/}" --image-ids imageTag="$tag" >/dev/null 2>&1; then
    echo "$service:$tag is already pushed (tags are immutable)"
    continue
  fi
  docker build --platform linux/amd64 -f "$repo/services/$service/Dockerfile" -t "$repository:$tag" "$repo"
  docker push "$repository:$tag"
done

echo "==> terraform apply"
tf apply "${tf_args[@]}"

echo "==> Waiting for the services to be stable"
cluster="$(tf output -raw cluster)"
mapfile -t ecs_services < <(tf output -json service_names | python3 -c 'import json, sys; print("\n".join(json.load(sys.stdin).values()))')
aws ecs wait services-stable --region "$region" --cluster "$cluster" --services "${ecs_services[@]}"

echo "==> The web app"
make -C "$repo" webapp  # the build, with the style previews and voice samples it shows
spa_bucket="$(tf output -raw spa_bucket)"
# Hashed assets are immutable; index.html must be fetched fresh so a new build is picked up at once.
aws s3 sync "$repo/frontend/dist" "s3://$spa_bucket" --delete --exclude index.html --cache-control "public, max-age=31536000, immutable"
aws s3 cp "$repo/frontend/dist/index.html" "s3://$spa_bucket/index.html" --cache-control "no-cache"
aws cloudfront create-invalidation --distribution-id "$(tf output -raw distribution_id)" --paths "/index.html" >/dev/null

echo
echo "NoComelon $tag is live at $(tf output -raw app_url)"
