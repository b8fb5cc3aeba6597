{{/* The chart's name: app.kubernetes.io/name, and the pods' selector. */}}
{{- define "gitops-drift.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The objects' names: the release name, with the chart's name unless it holds it. */}}
{{- define "gitops-drift.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Labels of every object: the selector label and Helm's own (which test/chart ignores when it compares with the kustomize install). */}}
{{- define "gitops-drift.labels" -}}
app.kubernetes.io/name: {{ include "gitops-drift.name" . }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The pods' selector: the name alone, as the kustomize install selects them. */}}
{{- define "gitops-drift.selectorLabels" -}}
app.kubernetes.io/name: {{ include "gitops-drift.name" . }}
{{- end }}

{{/* The ServiceAccount the pods run as, and every binding names. */}}
{{- define "gitops-drift.serviceAccountName" -}}
{{- include "gitops-drift.fullname" . }}
{{- end }}

{{/* The webhook's Service, and the names its certificate is for. */}}
{{- define "gitops-drift.webhookService" -}}
{{- printf "%s-webhook" (include "gitops-drift.fullname" .) }}
{{- end }}

{{- define "gitops-drift.webhookHosts" -}}
{{- $svc := include "gitops-drift.webhookService" . -}}
{{- list (printf "%s.%s.svc" $svc .Release.Namespace) (printf "%s.%s.svc.cluster.local" $svc .Release.Namespace) | toJson }}
{{- end }}

{{/* The metrics Service, and the names its certificate is for. */}}
{{- define "gitops-drift.metricsService" -}}
{{- printf "%s-metrics" (include "gitops-drift.fullname" .) }}
{{- end }}

{{- define "gitops-drift.metricsHosts" -}}
{{- $svc := include "gitops-drift.metricsService" . -}}
{{- list (printf "%s.%s.svc" $svc .Release.Namespace) (printf "%s.%s.svc.cluster.local" $svc .Release.Namespace) | toJson }}
{{- end }}

{{/* The Secret of the metrics server's certificate (certificates.mode=cert-manager). */}}
{{- define "gitops-drift.metricsSecret" -}}
{{- printf "%s-metrics-tls" (include "gitops-drift.fullname" .) }}
{{- end }}

{{/* The Secret that holds the webhook's serving certificate, whoever issues it. */}}
{{- define "gitops-drift.webhookSecret" -}}
{{- printf "%s-webhook-tls" (include "gitops-drift.fullname" .) }}
{{- end }}

{{/* The Secret of the Git credentials. */}}
{{- define "gitops-drift.gitSecret" -}}
{{- default (printf "%s-git" (include "gitops-drift.fullname" .)) .Values.git.existingSecret }}
{{- end }}

{{/* The desired-state ConfigMap. */}}
{{- define "gitops-drift.desiredConfigMap" -}}
{{- default (printf "%s-desired" (include "gitops-drift.fullname" .)) .Values.desired.existingConfigMap }}
{{- end }}

{{/* The image, by digest when one is given. */}}
{{- define "gitops-drift.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* The verb remediation writes with: patch for apply, update for replace. */}}
{{- define "gitops-drift.remediationWrite" -}}
{{- if eq .Values.remediation.strategy "apply" }}patch
{{- else if eq .Values.remediation.strategy "replace" }}update
{{- else }}{{ fail (printf "remediation.strategy %q: want apply or replace" .Values.remediation.strategy) }}
{{- end }}
{{- end }}

{{/* The report kinds (resources) of policyReports.api, as a JSON list: [group, namespaced, cluster]. */}}
{{- define "gitops-drift.reportKinds" -}}
{{- if eq .Values.policyReports.api "openreports.io/v1alpha1" }}["openreports.io", "reports", "clusterreports"]
{{- else if eq .Values.policyReports.api "wgpolicyk8s.io/v1alpha2" }}["wgpolicyk8s.io", "policyreports", "clusterpolicyreports"]
{{- else }}{{ fail (printf "policyReports.api %q: want openreports.io/v1alpha1 or wgpolicyk8s.io/v1alpha2" .Values.policyReports.api) }}
{{- end }}
{{- end }}

{{/*
GOMEMLIMIT: goMemLimitPercent of resources.limits.memory, in whole MiB rounded down. A Kubernetes
quantity is an integer with a binary (Ki, Mi, Gi, Ti) or decimal (k, M, G, T) suffix, or none.
*/}}
{{- define "gitops-drift.goMemLimit" -}}
{{- $q := toString .Values.resources.limits.memory }}
{{- $num := regexFind "^[0-9]+" $q }}
{{- $unit := trimPrefix $num $q }}
{{- $factors := dict "" 1 "k" 1000 "Ki" 1024 "M" 1000000 "Mi" 1048576 "G" 1000000000 "Gi" 1073741824 "T" 1000000000000 "Ti" 1099511627776 }}
{{- if or (not $num) (not (hasKey $factors $unit)) }}
{{- fail (printf "resources.limits.memory %q: goMemLimitPercent needs a whole number with a suffix of Ki, Mi, Gi, Ti, k, M, G, T or none" $q) }}
{{- end }}
{{- $bytes := mul (atoi $num) (get $factors $unit) }}
{{- printf "%dMiB" (div (mul $bytes (int .Values.goMemLimitPercent)) 104857600) }}
{{- end }}

{{/* The ValidatingWebhookConfiguration, which serve reads (--webhook-configuration). */}}
{{- define "gitops-drift.webhookConfiguration" -}}
{{- include "gitops-drift.fullname" . }}
{{- end }}
