// SMS as registered templates with parameters (SPEC §7): mainland SMS services (Alibaba Cloud SMS)
// send only templates registered in advance, with variables. Each notice kind has exactly one
// template; End User Messaging gets the template rendered to text, Alibaba Cloud gets the template
// code (from the SMS secret's `templates`) and the parameters. The README lists these texts for
// registration. Without the signature, which the service adds (Alibaba: SignName) or the sender
// prefixes (End User Messaging: settings.smsSignature).

export const SMS_TEMPLATES = {
  reminder: '${unit}：${report}${deadline}，请及时登录系统报送。',
  escalation: '${recipient}：${report}应于${due}前报送，已逾期${days}个工作日，请督促报送。',
  digest: '逾期汇总：升级督办${escalated}项，今日新增逾期${fresh}项，详见邮件或登录报送系统查看。',
  chase: '${unit}：${report}${status}，尚未报送，请尽快登录系统报送。',
  receipt: '${unit}${report}已收到，回执${number}，${status}。',
  rejection: '${unit}：${report}文件未通过校验，未予接收，请查看邮件了解原因后重新上传。',
  returned: '${unit}：${report}已退回修改，请于${due}前重新报送。',
  request: '${unit}：请于${due}前报送${report}，详见报送通知邮件。',
} as const;

export type SmsTemplateId = keyof typeof SMS_TEMPLATES;
export const SMS_TEMPLATE_IDS = Object.keys(SMS_TEMPLATES) as SmsTemplateId[];

/** One SMS: which template, with which values (all strings, as the providers take them). */
export type SmsTemplate = { template: SmsTemplateId; params: Record<string, string> };

/** The variables a template names, in order. */
export const templateVariables = (id: SmsTemplateId) =>
  [...SMS_TEMPLATES[id].matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]!);

/** The template's text with its variables filled in; a missing or unknown variable is a bug. */
export function renderSms(t: SmsTemplate): string {
  const names = templateVariables(t.template);
  const extra = Object.keys(t.params).filter((k) => !names.includes(k));
  if (extra.length) throw new Error(`SMS template ${t.template} has no variable ${extra.join(', ')}`);
  return SMS_TEMPLATES[t.template].replace(/\$\{(\w+)\}/g, (_, name: string) => {
    const v = t.params[name];
    if (v === undefined) throw new Error(`SMS template ${t.template} needs ${name}`);
    return v;
  });
}

/** The rendered text and the template, as every notice carries them. */
export const sms = (template: SmsTemplateId, params: Record<string, string | number>) => {
  const smsTemplate: SmsTemplate = {
    template,
    params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])),
  };
  return { sms: renderSms(smsTemplate), smsTemplate };
};
