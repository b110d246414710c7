# Sign-in: a user pool where only an operator creates accounts, the SPA's
# public client, and an identity pool whose role reads only the signed-in
# parent's own files. Policies match devstack's Provisioner.

resource "aws_cognito_user_pool" "users" {
  name                     = var.user_pool_name
  username_attributes      = ["email"]
  auto_verified_attributes = ["email"]
  deletion_protection      = "ACTIVE"

  admin_create_user_config {
    allow_admin_create_user_only = true
  }

  password_policy {
    minimum_length                   = var.password_policy.MinimumLength
    require_uppercase                = var.password_policy.RequireUppercase
    require_lowercase                = var.password_policy.RequireLowercase
    require_numbers                  = var.password_policy.RequireNumbers
    require_symbols                  = var.password_policy.RequireSymbols
    temporary_password_validity_days = 7
  }

  account_recovery_setting {
    recovery_mechanism {
      name     = "verified_email"
      priority = 1
    }
  }
}

# A browser cannot keep a secret: SRP sign-in and refresh, no client secret.
resource "aws_cognito_user_pool_client" "app" {
  name            = var.client_name
  user_pool_id    = aws_cognito_user_pool.users.id
  generate_secret = false
  explicit_auth_flows = concat(
    ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    var.password_sign_in ? ["ALLOW_USER_PASSWORD_AUTH"] : [],
  )
  prevent_user_existence_errors = "ENABLED"
  enable_token_revocation       = true
  access_token_validity         = 60
  id_token_validity             = 60
  refresh_token_validity        = 30
  token_validity_units {
    access_token  = "minutes"
    id_token      = "minutes"
    refresh_token = "days"
  }
}

resource "aws_cognito_identity_pool" "identity" {
  identity_pool_name               = var.identity_pool_name
  allow_unauthenticated_identities = false
  allow_classic_flow               = false

  cognito_identity_providers {
    client_id               = aws_cognito_user_pool_client.app.id
    provider_name           = aws_cognito_user_pool.users.endpoint
    server_side_token_check = true
  }
}

# Files live under the user-pool sub, not the identity id: the sub claim
# becomes a session tag the role's policy is keyed on.
resource "aws_cognito_identity_pool_provider_principal_tag" "sub" {
  identity_pool_id       = aws_cognito_identity_pool.identity.id
  identity_provider_name = aws_cognito_user_pool.users.endpoint
  use_defaults           = false
  principal_tags = {
    sub = "sub"
  }
}

resource "aws_iam_role" "signed_in" {
  name = "${var.identity_pool_name}-signed-in"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = "cognito-identity.amazonaws.com" }
      Action    = ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]
      Condition = {
        StringEquals             = { "cognito-identity.amazonaws.com:aud" = aws_cognito_identity_pool.identity.id }
        "ForAnyValue:StringLike" = { "cognito-identity.amazonaws.com:amr" = "authenticated" }
      }
    }]
  })
}

resource "aws_iam_role_policy" "own_files" {
  name = "read-own-files"
  role = aws_iam_role.signed_in.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "s3:GetObject"
      Resource = "${var.assets_bucket_arn}/$${aws:PrincipalTag/sub}/*"
    }]
  })
}

resource "aws_cognito_identity_pool_roles_attachment" "identity" {
  identity_pool_id = aws_cognito_identity_pool.identity.id
  roles = {
    authenticated = aws_iam_role.signed_in.arn
  }
}
