import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../common/swagger/api-problems.decorator.js';

const escape = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Stands in for a merchant's own page in the sandbox: where the demo merchant's users come back
 * after a consent (`consent_id`, `status`, maybe `error`), so the flow can be tried with no shop.
 */
@ApiTags('Sandbox')
@Controller('sandbox/return')
export class DemoReturnController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: "The demo merchant's return page: shows the consent id and status it was sent back with" })
  @ApiProduces('text/html')
  @ApiProblems()
  show(@Query() query: Record<string, unknown>): string {
    const rows = ['consent_id', 'status', 'error']
      .filter((k) => typeof query[k] === 'string')
      .map((k) => `<tr><th>${k}</th><td>${escape(query[k] as string)}</td></tr>`)
      .join('');
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Back at the demo shop</title></head>
<body><h1>Back at the demo shop</h1><table>${rows}</table>
<p>Now call <code>GET /v1/consents/&lt;consent_id&gt;</code> with the demo key, or go <a href="/demo">back to the demo shop</a>.</p></body></html>`;
  }
}
