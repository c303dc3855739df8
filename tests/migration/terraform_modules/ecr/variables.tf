variable "project_name" {
  type = string
}

variable "environment" {
  type = string
}

variable "repositories" {
  type = list(string)
}

variable "allowed_account_ids" {
  type    = list(string)
  default = []
}

variable "alerts_queue_name" {
  type = string
}
