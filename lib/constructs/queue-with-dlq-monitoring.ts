/**
 * cdk-monitoring-constructs' queue-with-DLQ monitoring, with the dead-letter section titled after
 * the dead-letter queue: the library titles both sections with the main queue's
 * `humanReadableName`, so "echo queue" headed the DLQ graphs too.
 */
import {
  MonitoringHeaderWidget,
  type MonitoringScope,
  SqsQueueMonitoringWithDlq,
  type SqsQueueMonitoringWithDlqProps,
} from 'cdk-monitoring-constructs';

/** Props of {@link QueueWithDlqMonitoring}. */
export interface QueueWithDlqMonitoringProps extends SqsQueueMonitoringWithDlqProps {
  /** Title of the dead-letter queue's section (the main queue's is `humanReadableName`). */
  readonly deadLetterQueueHumanReadableName: string;
}

/** A queue's section and its dead-letter queue's, each under its own title. */
export class QueueWithDlqMonitoring extends SqsQueueMonitoringWithDlq {
  private readonly deadLetterQueueName: string;

  constructor(scope: MonitoringScope, props: QueueWithDlqMonitoringProps) {
    super(scope, props);
    this.deadLetterQueueName = props.deadLetterQueueHumanReadableName;
  }

  protected override createDeadLetterTitleWidget(): MonitoringHeaderWidget {
    return new MonitoringHeaderWidget({
      family: 'SQS Dead-Letter Queue',
      title: this.deadLetterQueueName,
      goToLinkUrl: this.deadLetterUrl,
    });
  }
}
