{{/* Names and labels shared by every object. */}}
{{- define "cuewire.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "cuewire.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels of one service; call with (dict "root" $ "name" $name). */}}
{{- define "cuewire.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{- define "cuewire.secretName" -}}
{{- default (printf "%s-secrets" (include "cuewire.fullname" .)) .Values.secrets.existingSecret -}}
{{- end -}}

{{/* KEDA owns the replica count of a service it scales. */}}
{{- define "cuewire.kedaScaled" -}}
{{- if and .root.Values.keda.enabled .service.autoscaling -}}true{{- end -}}
{{- end -}}
